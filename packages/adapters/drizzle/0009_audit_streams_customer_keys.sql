-- Issue 19: audit without a global lock, and a schema a distributed engine (Citus, YugabyteDB) can
-- shard by customer (every unique key of a customer's table starts with customer_id). Hand-edited where drizzle-kit cannot express it (trigger removal, back-fill,
-- primary key names, an unqualified sequence so each schema has its own).
--
-- 1. audit_log no longer depends on triggers: append-only is the code's contract, enforced by
--    granting the application role INSERT and SELECT only (docs/scale-out.md), and `verify`
--    detects any change. The triggers go first so the back-fill below may write.
DROP TRIGGER IF EXISTS "audit_log_no_update_delete" ON "audit_log";--> statement-breakpoint
DROP TRIGGER IF EXISTS "audit_log_no_truncate" ON "audit_log";--> statement-breakpoint
DROP FUNCTION IF EXISTS "winback_audit_append_only"();--> statement-breakpoint
-- 2. Streams: the existing single chain becomes stream 0 (its hashes stay valid: the stream
--    position is not hashed), 15 more empty streams take concurrent writers.
CREATE SEQUENCE "audit_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "audit_checkpoints" (
	"n" bigint PRIMARY KEY NOT NULL,
	"at" text NOT NULL,
	"heads" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_streams" (
	"stream" integer PRIMARY KEY NOT NULL,
	"stream_seq" bigint NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "stream" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "stream_seq" bigint;--> statement-breakpoint
UPDATE "audit_log" SET "stream_seq" = "seq";--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "stream_seq" SET NOT NULL;--> statement-breakpoint
INSERT INTO "audit_streams" ("stream", "stream_seq", "seq", "hash") SELECT 0, "seq", "seq", "hash" FROM "audit_head" WHERE "id" = 1;--> statement-breakpoint
INSERT INTO "audit_streams" ("stream", "stream_seq", "seq", "hash") SELECT g, 0, 0, repeat('0', 64) FROM generate_series(0, 15) AS g ON CONFLICT DO NOTHING;--> statement-breakpoint
SELECT setval('audit_seq', (SELECT coalesce(max("seq"), 0) + 1 FROM "audit_log"), false);--> statement-breakpoint
DROP TABLE "audit_head";--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey";--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_stream_stream_seq_pk" PRIMARY KEY("stream","stream_seq");--> statement-breakpoint
CREATE INDEX "audit_log_seq_idx" ON "audit_log" USING btree ("seq");--> statement-breakpoint
-- 3. Customer-keyed tables: every unique key starts with the customer id (the distribution
--    column). Ids stay generated unique; a plain index on id serves reads by id.
DROP INDEX "call_records_external_call_idx";--> statement-breakpoint
ALTER TABLE "call_records" DROP CONSTRAINT "call_records_pkey";--> statement-breakpoint
ALTER TABLE "call_records" ADD CONSTRAINT "call_records_customer_id_serial_number_pk" PRIMARY KEY("customer_id","serial_number");--> statement-breakpoint
CREATE INDEX "call_records_serial_idx" ON "call_records" USING btree ("serial_number");--> statement-breakpoint
CREATE UNIQUE INDEX "call_records_customer_external_call_idx" ON "call_records" USING btree ("customer_id","external_call_id");--> statement-breakpoint
CREATE INDEX "call_records_external_call_idx" ON "call_records" USING btree ("external_call_id");;--> statement-breakpoint
ALTER TABLE "customer_events" DROP CONSTRAINT "customer_events_pkey";--> statement-breakpoint
ALTER TABLE "customer_events" ADD CONSTRAINT "customer_events_customer_id_id_pk" PRIMARY KEY("customer_id","id");--> statement-breakpoint
ALTER TABLE "work_items" DROP CONSTRAINT "work_items_pkey";--> statement-breakpoint
ALTER TABLE "work_items" ADD CONSTRAINT "work_items_customer_id_id_pk" PRIMARY KEY("customer_id","id");--> statement-breakpoint
CREATE INDEX "work_items_id_idx" ON "work_items" USING btree ("id");--> statement-breakpoint
ALTER TABLE "dnd_entries" DROP CONSTRAINT "dnd_entries_pkey";--> statement-breakpoint
ALTER TABLE "dnd_entries" ADD CONSTRAINT "dnd_entries_customer_id_id_pk" PRIMARY KEY("customer_id","id");--> statement-breakpoint
CREATE INDEX "dnd_entries_id_idx" ON "dnd_entries" USING btree ("id");--> statement-breakpoint
ALTER TABLE "appointments" DROP CONSTRAINT "appointments_pkey";--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_customer_id_id_pk" PRIMARY KEY("customer_id","id");--> statement-breakpoint
CREATE INDEX "appointments_id_idx" ON "appointments" USING btree ("id");--> statement-breakpoint
ALTER TABLE "responses" DROP CONSTRAINT "responses_pkey";--> statement-breakpoint
ALTER TABLE "responses" ADD CONSTRAINT "responses_customer_id_id_pk" PRIMARY KEY("customer_id","id");--> statement-breakpoint
CREATE INDEX "responses_id_idx" ON "responses" USING btree ("id");
