CREATE TABLE "extraction_candidates" (
	"run_key" text NOT NULL,
	"partition" integer NOT NULL,
	"rule_key" text NOT NULL,
	"customer_id" text NOT NULL,
	CONSTRAINT "extraction_candidates_run_key_partition_rule_key_customer_id_pk" PRIMARY KEY("run_key","partition","rule_key","customer_id")
);
--> statement-breakpoint
CREATE TABLE "extraction_partitions" (
	"run_key" text NOT NULL,
	"partition" integer NOT NULL,
	"partitions" integer NOT NULL,
	"state" text NOT NULL,
	"worker_id" text,
	"lease_until" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"result" jsonb,
	"updated_at" text NOT NULL,
	CONSTRAINT "extraction_partitions_run_key_partition_pk" PRIMARY KEY("run_key","partition")
);
