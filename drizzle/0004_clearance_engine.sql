CREATE SEQUENCE "public"."clr_invt_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "clr_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"list_id" uuid NOT NULL,
	"kind" varchar(20) NOT NULL,
	"return_status" varchar(10),
	"actor" varchar(40) NOT NULL,
	"detail" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clr_lists" (
	"id" uuid PRIMARY KEY NOT NULL,
	"inventory_id" uuid,
	"ebp_code" varchar(18) NOT NULL,
	"ebc_code" varchar(18) NOT NULL,
	"order_no" varchar(60) NOT NULL,
	"agent_code" varchar(18) NOT NULL,
	"cop_no" varchar(20) NOT NULL,
	"pre_no" varchar(18),
	"invt_no" varchar(18),
	"logistics_code" varchar(18) NOT NULL,
	"logistics_no" varchar(60) NOT NULL,
	"assure_code" varchar(18) NOT NULL,
	"area_code" varchar(18),
	"trade_mode" varchar(4) NOT NULL,
	"customs_code" varchar(4) NOT NULL,
	"agent_uscc" varchar(18) NOT NULL,
	"buyer_hash" varchar(64) NOT NULL,
	"status" varchar(12) NOT NULL,
	"return_status" varchar(10) NOT NULL,
	"check_at" timestamp with time zone,
	"wait_deadline" timestamp with time zone,
	"declared_on" date NOT NULL,
	"released_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"amount" numeric(19, 2),
	"customs_tax" numeric(19, 2),
	"value_added_tax" numeric(19, 2),
	"consumption_tax" numeric(19, 2),
	"quota_year" integer,
	"decision" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clr_reference_tables" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" varchar(32) NOT NULL,
	"label" varchar(200) NOT NULL,
	"source_name" varchar(300) NOT NULL,
	"sha256" varchar(64) NOT NULL,
	"content" text NOT NULL,
	"row_count" integer NOT NULL,
	"is_sample" smallint DEFAULT 0 NOT NULL,
	"active" smallint DEFAULT 1 NOT NULL,
	"loaded_by" varchar(100),
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clr_returns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"list_id" uuid NOT NULL,
	"business_key" varchar(200) NOT NULL,
	"status" varchar(10) NOT NULL,
	"items" jsonb NOT NULL,
	"amount" numeric(19, 2) NOT NULL,
	"tax" numeric(19, 2) NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	"arrived_at" timestamp with time zone,
	"reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clr_stock" (
	"area_code" varchar(18) NOT NULL,
	"item_record_no" varchar(30) NOT NULL,
	"gcode" varchar(10) NOT NULL,
	"gname" varchar(250) NOT NULL,
	"qty" numeric(19, 5) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clr_stock_pk" PRIMARY KEY("area_code","item_record_no"),
	CONSTRAINT "clr_stock_qty_ck" CHECK ("clr_stock"."qty" >= 0)
);
--> statement-breakpoint
CREATE TABLE "clr_stock_moves" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"area_code" varchar(18) NOT NULL,
	"item_record_no" varchar(30) NOT NULL,
	"delta" numeric(19, 5) NOT NULL,
	"kind" varchar(8) NOT NULL,
	"ref" varchar(200) NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clr_tax_bills" (
	"tax_no" varchar(50) PRIMARY KEY NOT NULL,
	"list_id" uuid NOT NULL,
	"invt_no" varchar(18) NOT NULL,
	"assure_code" varchar(18) NOT NULL,
	"ebc_code" varchar(18) NOT NULL,
	"agent_code" varchar(18) NOT NULL,
	"logistics_code" varchar(18) NOT NULL,
	"customs_code" varchar(4) NOT NULL,
	"customs_tax" numeric(19, 2) NOT NULL,
	"value_added_tax" numeric(19, 2) NOT NULL,
	"consumption_tax" numeric(19, 2) NOT NULL,
	"netted_tax" numeric(19, 2) DEFAULT '0' NOT NULL,
	"status" varchar(1) NOT NULL,
	"released_on" date NOT NULL,
	"due_from" date NOT NULL,
	"due_to" date NOT NULL,
	"items" jsonb NOT NULL,
	"ent_duty_no" varchar(50),
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_records" (
	"id" uuid PRIMARY KEY NOT NULL,
	"uscc" varchar(18) NOT NULL,
	"decree" varchar(3) NOT NULL,
	"level" varchar(20) NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"basis" text NOT NULL,
	"recorded_by" varchar(100) NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_records_level_ck" CHECK ("credit_records"."level" in ('advanced', 'certified', 'general', 'dishonest', 'seriously-dishonest'))
);
--> statement-breakpoint
DROP INDEX "clearance_quota_entries_list_kind_uq";--> statement-breakpoint
ALTER TABLE "clearance_quota_entries" ADD COLUMN "ref" varchar(200) DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "clr_events_list_idx" ON "clr_events" USING btree ("list_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "clr_lists_inventory_uq" ON "clr_lists" USING btree ("inventory_id");--> statement-breakpoint
CREATE UNIQUE INDEX "clr_lists_order_uq" ON "clr_lists" USING btree ("ebp_code","ebc_code","order_no");--> statement-breakpoint
CREATE UNIQUE INDEX "clr_lists_invt_no_uq" ON "clr_lists" USING btree ("invt_no");--> statement-breakpoint
CREATE INDEX "clr_lists_waybill_idx" ON "clr_lists" USING btree ("logistics_code","logistics_no");--> statement-breakpoint
CREATE INDEX "clr_lists_check_idx" ON "clr_lists" USING btree ("check_at");--> statement-breakpoint
CREATE INDEX "clr_lists_deadline_idx" ON "clr_lists" USING btree ("status","wait_deadline");--> statement-breakpoint
CREATE INDEX "clr_lists_agent_idx" ON "clr_lists" USING btree ("agent_uscc","created_at");--> statement-breakpoint
CREATE INDEX "clr_lists_status_idx" ON "clr_lists" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "clr_reference_tables_kind_idx" ON "clr_reference_tables" USING btree ("kind","loaded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "clr_returns_key_uq" ON "clr_returns" USING btree ("business_key");--> statement-breakpoint
CREATE INDEX "clr_returns_list_idx" ON "clr_returns" USING btree ("list_id");--> statement-breakpoint
CREATE UNIQUE INDEX "clr_stock_moves_ref_uq" ON "clr_stock_moves" USING btree ("ref","kind","area_code","item_record_no");--> statement-breakpoint
CREATE INDEX "clr_stock_moves_item_idx" ON "clr_stock_moves" USING btree ("area_code","item_record_no","id");--> statement-breakpoint
CREATE UNIQUE INDEX "clr_tax_bills_list_uq" ON "clr_tax_bills" USING btree ("list_id");--> statement-breakpoint
CREATE INDEX "clr_tax_bills_assure_idx" ON "clr_tax_bills" USING btree ("assure_code","due_from");--> statement-breakpoint
CREATE INDEX "credit_records_uscc_idx" ON "credit_records" USING btree ("uscc","valid_from");--> statement-breakpoint
CREATE UNIQUE INDEX "clearance_quota_entries_list_kind_ref_uq" ON "clearance_quota_entries" USING btree ("list_key","kind","ref");