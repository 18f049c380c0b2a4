-- Unit safety (issue 10, item 3): why a person must look at a stored result before trusting it, e.g. the analyzer sent
-- no unit where the catalog expects one, so the value was neither converted nor interpreted against the catalog's
-- range. NULL when nothing needs review.
ALTER TABLE lab_result ADD COLUMN review TEXT;
