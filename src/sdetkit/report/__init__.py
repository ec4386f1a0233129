"""Executive reports (weekly, monthly) rendered from a report model as Markdown and HTML with charts."""
