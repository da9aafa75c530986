"""How the API document describes listings and their prices, for the packages that answer
with them (hits keep a listing's snapshot; rules and their export hold price ceilings)."""

from portal import parsing
from portal.api.openapi import nullable

# Minor units (fen) of CNY, the one currency listings are read in.
PRICE_CNY = {"type": "object", "required": ["amount", "currency"], "properties": {
    "amount": {"type": "integer", "minimum": 0, "maximum": parsing.MAX_AMOUNT,
               "description": "fen"},
    "currency": {"type": "string", "enum": ["CNY"]}}}
PRICE_CNY_REF = {"$ref": "#/components/schemas/PriceCNY"}

# The listing as the scan read it (readers.ScannedListing.snapshot), kept with a hit so the
# evidence outlives the platform's listing.
LISTING_SNAPSHOT = {
    "type": "object", "required": ["id", "title", "price", "seller_id", "region", "url"],
    "properties": {
        "id": {"type": "string", "description": "the platform's listing id (a number sent "
                                                "is kept as text)"},
        "title": {"type": "string", "maxLength": 500},
        "price": nullable(PRICE_CNY_REF),
        "seller_id": {"type": "string", "maxLength": 200, "nullable": True},
        "region": {"type": "string", "maxLength": 80, "nullable": True,
                   "description": "as the listing gave it, not resolved to a code"},
        "url": {"type": "string", "maxLength": 1000, "nullable": True}}}

SCHEMAS = {"PriceCNY": PRICE_CNY, "ListingSnapshot": LISTING_SNAPSHOT}
