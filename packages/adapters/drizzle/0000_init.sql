CREATE TABLE "appointments" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"manager_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"state" text NOT NULL,
	"at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" text NOT NULL,
	"actor_id" text NOT NULL,
	"category" text NOT NULL,
	"customer_id" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_records" (
	"serial_number" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"started_at" text NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customer_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_groups" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"valid_from" text NOT NULL,
	"valid_until" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"phones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"region" text NOT NULL,
	"tier" text NOT NULL,
	"line_status" text NOT NULL,
	"payment_type" text NOT NULL,
	"contract_end" date,
	"birthday" date,
	"activated_on" date NOT NULL,
	"owner_manager_id" text,
	"preferred_channel" text,
	"tariff_sensitivity" text,
	"credit_level" text,
	"time_zone" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dnd_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"channel" text NOT NULL,
	"created_at" text NOT NULL,
	"expires_at" text,
	"removed_at" text,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hand_out_ledger" (
	"customer_id" text NOT NULL,
	"period" text NOT NULL,
	"task_id" text NOT NULL,
	"urgency" integer NOT NULL,
	"run_id" text NOT NULL,
	"handed_out_at" text NOT NULL,
	"cooldown_until" text NOT NULL,
	CONSTRAINT "hand_out_ledger_customer_id_period_pk" PRIMARY KEY("customer_id","period")
);
--> statement-breakpoint
CREATE TABLE "managers" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"team_id" text,
	"active" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "observations" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"task_id" text NOT NULL,
	"manager_id" text,
	"ends_on" text NOT NULL,
	"evaluated" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offers" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"active" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "questionnaire_versions" (
	"hash" text PRIMARY KEY NOT NULL,
	"questionnaire_id" text NOT NULL,
	"published_at" text NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "responses" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"work_item_id" text,
	"questionnaire_id" text NOT NULL,
	"customer_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"status" text NOT NULL,
	"template_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"urgency" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"region" text NOT NULL,
	"parent_id" text
);
--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"customer_id" text NOT NULL,
	"day" date NOT NULL,
	"charge" double precision NOT NULL,
	"data_mb" double precision NOT NULL,
	"call_minutes" double precision NOT NULL,
	"outgoing_calls" integer NOT NULL,
	"competitor_call_seconds" integer NOT NULL,
	"forwarded_to_other_operator" boolean NOT NULL,
	"reminder_sms_delivered" boolean NOT NULL,
	CONSTRAINT "usage_daily_customer_id_day_pk" PRIMARY KEY("customer_id","day")
);
--> statement-breakpoint
CREATE TABLE "usage_monthly" (
	"customer_id" text NOT NULL,
	"month" text NOT NULL,
	"bill_amount" double precision NOT NULL,
	"data_mb" double precision NOT NULL,
	"call_minutes" double precision NOT NULL,
	"competitor_call_seconds" integer NOT NULL,
	"forwarded_days" integer NOT NULL,
	"silent_days" integer NOT NULL,
	"bill_date" date NOT NULL,
	"due_date" date NOT NULL,
	"paid_date" date,
	CONSTRAINT "usage_monthly_customer_id_month_pk" PRIMARY KEY("customer_id","month")
);
--> statement-breakpoint
CREATE TABLE "work_items" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"task_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"assignee_id" text,
	"team_id" text,
	"state" text NOT NULL,
	"urgency" integer NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "appointments_due_idx" ON "appointments" USING btree ("state","at");--> statement-breakpoint
CREATE INDEX "appointments_manager_idx" ON "appointments" USING btree ("manager_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_id","seq");--> statement-breakpoint
CREATE INDEX "audit_log_customer_idx" ON "audit_log" USING btree ("customer_id","seq");--> statement-breakpoint
CREATE INDEX "call_records_customer_idx" ON "call_records" USING btree ("customer_id","started_at");--> statement-breakpoint
CREATE INDEX "customer_events_customer_type_idx" ON "customer_events" USING btree ("customer_id","type","at");--> statement-breakpoint
CREATE INDEX "customers_owner_idx" ON "customers" USING btree ("owner_manager_id");--> statement-breakpoint
CREATE INDEX "customers_region_tier_idx" ON "customers" USING btree ("region","tier");--> statement-breakpoint
CREATE INDEX "dnd_entries_customer_channel_idx" ON "dnd_entries" USING btree ("customer_id","channel");--> statement-breakpoint
CREATE INDEX "hand_out_ledger_customer_cooldown_idx" ON "hand_out_ledger" USING btree ("customer_id","cooldown_until");--> statement-breakpoint
CREATE INDEX "hand_out_ledger_run_idx" ON "hand_out_ledger" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "managers_team_idx" ON "managers" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "observations_due_idx" ON "observations" USING btree ("evaluated","ends_on");--> statement-breakpoint
CREATE INDEX "questionnaire_versions_q_idx" ON "questionnaire_versions" USING btree ("questionnaire_id","published_at");--> statement-breakpoint
CREATE INDEX "responses_work_item_idx" ON "responses" USING btree ("work_item_id");--> statement-breakpoint
CREATE INDEX "rule_instances_status_idx" ON "rule_instances" USING btree ("status");--> statement-breakpoint
CREATE INDEX "tasks_status_idx" ON "tasks" USING btree ("status","urgency");--> statement-breakpoint
CREATE INDEX "teams_parent_idx" ON "teams" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "usage_daily_day_idx" ON "usage_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "usage_monthly_month_idx" ON "usage_monthly" USING btree ("month");--> statement-breakpoint
CREATE INDEX "work_items_worklist_idx" ON "work_items" USING btree ("assignee_id","state","urgency","created_at","id");--> statement-breakpoint
CREATE INDEX "work_items_customer_idx" ON "work_items" USING btree ("customer_id","state");--> statement-breakpoint
CREATE INDEX "work_items_task_idx" ON "work_items" USING btree ("task_id","state");