-- Load bridge_claim_region from `incoming_regions` (claim_key set).
-- Grain: one row per claim and market it counts in, in the order the claim names them.
insert into bridge_claim_region by name
select incoming.claim_key, region.region_key, incoming.position, incoming.load_id
from incoming_regions as incoming
join dim_region as region on region.name = incoming.region;
