CREATE TABLE "clearance_quota" (
	"buyer_hash" varchar(64) NOT NULL,
	"year" integer NOT NULL,
	"used" numeric(19, 2) DEFAULT '0' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clearance_quota_pk" PRIMARY KEY("buyer_hash","year"),
	CONSTRAINT "clearance_quota_used_ck" CHECK ("clearance_quota"."used" >= 0)
);
--> statement-breakpoint
CREATE TABLE "clearance_quota_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"buyer_hash" varchar(64) NOT NULL,
	"year" integer NOT NULL,
	"list_key" varchar(200) NOT NULL,
	"amount" numeric(19, 2) NOT NULL,
	"kind" varchar(8) NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clearance_quota_entries_kind_ck" CHECK ("clearance_quota_entries"."kind" in ('consume', 'restore')),
	CONSTRAINT "clearance_quota_entries_amount_ck" CHECK ("clearance_quota_entries"."amount" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "clearance_quota_entries_list_kind_uq" ON "clearance_quota_entries" USING btree ("list_key","kind");--> statement-breakpoint
CREATE INDEX "clearance_quota_entries_buyer_idx" ON "clearance_quota_entries" USING btree ("buyer_hash","year");