-- Persons smuggled in a migrant-smuggling incident, by sex and age as the victim cells are. Smuggled
-- migrants are not victims of the crime (they consent to being moved); the victim columns keep only
-- victims of crime, such as aggravated smuggling with deaths or abuse (UNODC, Smuggling of Migrants
-- Protocol, art. 6(3)). Nullable with a default: DuckDB adds no constrained column; read with coalesce.
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS smuggled_female_child INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS smuggled_female_adult INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS smuggled_female_unknown INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS smuggled_male_child INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS smuggled_male_adult INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS smuggled_male_unknown INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS smuggled_unknown_child INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS smuggled_unknown_adult INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS smuggled_unknown_unknown INTEGER DEFAULT 0;
