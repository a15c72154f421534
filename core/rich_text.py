"""The rich-text features editors may use, in guides and alerts alike.

Bold, italic, links and lists only: no headings, images or embeds, so every
page and email stays plain, accessible and light on mobile data.
"""

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]
