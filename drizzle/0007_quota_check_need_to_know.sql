CREATE TABLE "clr_quota_check_counts" (
	"bucket" varchar(120) NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "clr_quota_check_counts_pk" PRIMARY KEY("bucket","window_start")
);
--> statement-breakpoint
CREATE TABLE "clr_quota_consents" (
	"enterprise_uscc" varchar(18) NOT NULL,
	"reference" varchar(64) NOT NULL,
	"buyer_hash" varchar(64) NOT NULL,
	"scope" varchar(10) NOT NULL,
	"given_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" varchar(100) NOT NULL,
	"uses" integer DEFAULT 1 NOT NULL,
	"last_used_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clr_quota_consents_pk" PRIMARY KEY("enterprise_uscc","reference"),
	CONSTRAINT "clr_quota_consents_scope_ck" CHECK ("clr_quota_consents"."scope" in ('fits', 'remaining'))
);
--> statement-breakpoint
CREATE INDEX "decl_orders_buyer_idx" ON "decl_orders" USING btree ("buyer_hash");