ALTER TABLE "call_records" ADD COLUMN "external_call_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "call_records_external_call_idx" ON "call_records" USING btree ("external_call_id");