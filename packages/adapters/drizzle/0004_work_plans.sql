CREATE TABLE "work_plans" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"team_id" text,
	"period" text NOT NULL,
	"period_from" text NOT NULL,
	"status" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "work_plans_period_idx" ON "work_plans" USING btree ("period","status");--> statement-breakpoint
CREATE INDEX "work_plans_subject_idx" ON "work_plans" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "work_plans_team_idx" ON "work_plans" USING btree ("team_id");