"""Fixed ids of the seeded store, so tests and the demo can name them."""

TOKEN = "3|nexo-sandbox-token-0123456789abcdef"  # a Sanctum "id|secret" personal token
ADMIN_USER = 1
ADMIN_EMAIL = "admin@shop.test"
WALK_IN_CUSTOMER = 2
GROUP_DEFAULT = 1
GROUP_WEB = 2
UNIT_GROUP = 1
UNIT_PIECE = 1
UNIT_BOX = 2
TAX_STANDARD = 1
TAX_REDUCED = 2
TAX_ZERO = 3
CATEGORY_DRINKS = 1
CATEGORY_COFFEE = 2
CATEGORY_TEA = 3
CATEGORY_BAKERY = 4
CATEGORY_BREAD = 5
