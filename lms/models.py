# The learning models arrive with the LMS issue.
