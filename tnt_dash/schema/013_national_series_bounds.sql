-- UNODC values as published: the lower and upper bounds of an estimate, and the nature of the value
-- (the SDG file's obs_status, e.g. 'Estimated value'), so an estimate is never read as a count.
ALTER TABLE national_series ADD COLUMN IF NOT EXISTS lower_bound DOUBLE;
ALTER TABLE national_series ADD COLUMN IF NOT EXISTS upper_bound DOUBLE;
ALTER TABLE national_series ADD COLUMN IF NOT EXISTS nature VARCHAR;
