"""The article body: the story's scope in the page, boilerplate out, trafilatura, line
clean-up, and the fallback that keeps a body from being lost."""
