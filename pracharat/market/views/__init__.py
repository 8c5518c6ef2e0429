"""The market's pages: the shop (catalogue, product, group, feed), the buyer's cart, checkout
and orders, and the seller's pages."""
