-- Call serial numbers never repeat, whatever the concurrency.
CREATE SEQUENCE IF NOT EXISTS "call_serial_seq" START 1;
--> statement-breakpoint
-- The audit chain's head: one row, locked by every append so entries chain in commit order.
CREATE TABLE IF NOT EXISTS "audit_head" (
  "id" integer PRIMARY KEY CHECK ("id" = 1),
  "seq" bigint NOT NULL,
  "hash" text NOT NULL
);
--> statement-breakpoint
INSERT INTO "audit_head" ("id", "seq", "hash") VALUES (1, 0, repeat('0', 64)) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The audit log is append-only: the schema itself refuses UPDATE, DELETE and TRUNCATE.
CREATE OR REPLACE FUNCTION "winback_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "winback_audit_append_only"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "winback_audit_append_only"();
