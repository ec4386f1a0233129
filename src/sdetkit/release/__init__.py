"""Release preflight checks: would this commit make a good release?"""
