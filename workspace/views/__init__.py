"""The workspace's pages, one module per area; each has a Blueprint `pages`."""
