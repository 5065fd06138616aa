-- Rows an import read that are no error and no crime (an ACLED battle or protest): counted, not kept.
-- The batch identity becomes rows_read = inserted + updated + unchanged + quarantined + out_of_scope.
ALTER TABLE import_batches ADD COLUMN IF NOT EXISTS out_of_scope BIGINT DEFAULT 0;
