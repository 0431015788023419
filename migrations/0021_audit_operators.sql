-- The console's reads and changes of personal data go to the same audit log as the API's, named
-- by the operator instead of a key.
ALTER TABLE audit_log ADD COLUMN operator_id TEXT REFERENCES operators (id);
