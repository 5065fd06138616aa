-- UNODC values as published: the lower and upper bounds of an estimate, and the nature of the value
-- (the SDG file's obs_status, e.g. 'Estimated value'), so an estimate is never read as a count.
ALTER TABLE national_series ADD COLUMN lower_bound DOUBLE;
ALTER TABLE national_series ADD COLUMN upper_bound DOUBLE;
ALTER TABLE national_series ADD COLUMN nature VARCHAR;
