"""Scrapy-free crawl rules: discovery documents (robots Sitemap lines, sitemaps, feeds), URL
canonicalization, article/hub/trap classification, revisit policy, and the address guard."""
