-- When each instance last wrote a request, for the lists of services and
-- instances (gmd serve, the overview). Every write moves it forward.
-- Instances that wrote before this migration get the start of the latest
-- hour of their rollups until their next write sets the exact time.
ALTER TABLE gmd_instances ADD COLUMN last_seen_us {{int}};
UPDATE gmd_instances SET last_seen_us = (SELECT MAX(x.hour_us) FROM gmd_rollups x WHERE x.instance_id = gmd_instances.id);
