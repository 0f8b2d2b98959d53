CREATE TABLE "decl_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"type" varchar(20) NOT NULL,
	"business_key" varchar(200) NOT NULL,
	"app_type" varchar(1),
	"app_time" varchar(14),
	"status" varchar(10) NOT NULL,
	"record_enc" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_inventories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"guid" varchar(36) NOT NULL,
	"ebp_code" varchar(18) NOT NULL,
	"ebc_code" varchar(18) NOT NULL,
	"order_no" varchar(60) NOT NULL,
	"cop_no" varchar(20) NOT NULL,
	"agent_code" varchar(18) NOT NULL,
	"logistics_code" varchar(18) NOT NULL,
	"logistics_no" varchar(60) NOT NULL,
	"assure_code" varchar(18) NOT NULL,
	"area_code" varchar(18),
	"pre_no" varchar(18),
	"invt_no" varchar(18),
	"app_type" varchar(1) NOT NULL,
	"app_time" varchar(14) NOT NULL,
	"app_status" varchar(1) NOT NULL,
	"status" varchar(10) NOT NULL,
	"trade_mode" varchar(4) NOT NULL,
	"customs_code" varchar(4) NOT NULL,
	"port_code" varchar(4) NOT NULL,
	"ie_date" varchar(8) NOT NULL,
	"freight" numeric(19, 5) NOT NULL,
	"insured_fee" numeric(19, 5) NOT NULL,
	"currency" varchar(3) NOT NULL,
	"gross_weight" numeric(19, 5) NOT NULL,
	"net_weight" numeric(19, 5) NOT NULL,
	"buyer_hash" varchar(64) NOT NULL,
	"extra" jsonb NOT NULL,
	"pii_enc" text NOT NULL,
	"signed" smallint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_inventory_items" (
	"inventory_id" uuid NOT NULL,
	"gnum" smallint NOT NULL,
	"item_record_no" varchar(30),
	"item_no" varchar(30),
	"item_name" varchar(250),
	"gcode" varchar(10) NOT NULL,
	"gname" varchar(250) NOT NULL,
	"gmodel" varchar(250) NOT NULL,
	"country" varchar(3) NOT NULL,
	"currency" varchar(3) NOT NULL,
	"qty" numeric(19, 5) NOT NULL,
	"unit" varchar(3) NOT NULL,
	"qty1" numeric(19, 5) NOT NULL,
	"unit1" varchar(3) NOT NULL,
	"qty2" numeric(19, 5),
	"unit2" varchar(3),
	"price" numeric(19, 5) NOT NULL,
	"total_price" numeric(19, 5) NOT NULL,
	"extra" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"guid" varchar(64),
	"type" varchar(20) NOT NULL,
	"sender_uscc" varchar(18) NOT NULL,
	"api_key_id" uuid,
	"user_id" uuid,
	"format" varchar(8) NOT NULL,
	"status" varchar(12) NOT NULL,
	"record_count" integer DEFAULT 0 NOT NULL,
	"business_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"errors" jsonb,
	"warnings" jsonb,
	"answer" jsonb NOT NULL,
	"body_enc" text NOT NULL,
	"body_sha256" varchar(64) NOT NULL,
	"body_size" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_order_items" (
	"order_id" uuid NOT NULL,
	"gnum" smallint NOT NULL,
	"item_no" varchar(30),
	"item_name" varchar(250) NOT NULL,
	"gmodel" varchar(250),
	"bar_code" varchar(50),
	"unit" varchar(3) NOT NULL,
	"qty" numeric(19, 5) NOT NULL,
	"price" numeric(19, 5) NOT NULL,
	"total_price" numeric(19, 5) NOT NULL,
	"currency" varchar(3) NOT NULL,
	"country" varchar(3) NOT NULL,
	"extra" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"guid" varchar(36) NOT NULL,
	"ebp_code" varchar(18) NOT NULL,
	"ebc_code" varchar(18) NOT NULL,
	"order_no" varchar(60) NOT NULL,
	"app_type" varchar(1) NOT NULL,
	"app_time" varchar(14) NOT NULL,
	"app_status" varchar(1) NOT NULL,
	"status" varchar(10) NOT NULL,
	"goods_value" numeric(19, 5) NOT NULL,
	"freight" numeric(19, 5) NOT NULL,
	"discount" numeric(19, 5) NOT NULL,
	"tax_total" numeric(19, 5) NOT NULL,
	"actural_paid" numeric(19, 5) NOT NULL,
	"currency" varchar(3) NOT NULL,
	"buyer_reg_no" varchar(60),
	"buyer_hash" varchar(64) NOT NULL,
	"consignee_hash" varchar(64) NOT NULL,
	"pay_code" varchar(18),
	"pay_transaction_id" varchar(60),
	"extra" jsonb NOT NULL,
	"pii_enc" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_payments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"guid" varchar(36) NOT NULL,
	"pay_code" varchar(18) NOT NULL,
	"pay_transaction_id" varchar(60) NOT NULL,
	"ebp_code" varchar(18) NOT NULL,
	"order_no" varchar(60) NOT NULL,
	"app_type" varchar(1) NOT NULL,
	"app_time" varchar(14) NOT NULL,
	"app_status" varchar(1) NOT NULL,
	"status" varchar(10) NOT NULL,
	"amount_paid" numeric(19, 5) NOT NULL,
	"currency" varchar(3) NOT NULL,
	"pay_time" varchar(14) NOT NULL,
	"payer_hash" varchar(64) NOT NULL,
	"extra" jsonb NOT NULL,
	"pii_enc" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_receipts" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"recipient_uscc" varchar(18) NOT NULL,
	"message_id" uuid,
	"type" varchar(20) NOT NULL,
	"business_key" varchar(200) NOT NULL,
	"return_status" varchar(10) NOT NULL,
	"return_time" varchar(17) NOT NULL,
	"return_info" text NOT NULL,
	"record" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_waybills" (
	"id" uuid PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"guid" varchar(36) NOT NULL,
	"logistics_code" varchar(18) NOT NULL,
	"logistics_no" varchar(60) NOT NULL,
	"order_no" varchar(60) NOT NULL,
	"app_type" varchar(1) NOT NULL,
	"app_time" varchar(14) NOT NULL,
	"app_status" varchar(1) NOT NULL,
	"status" varchar(10) NOT NULL,
	"bill_no" varchar(37),
	"freight" numeric(19, 5) NOT NULL,
	"insured_fee" numeric(19, 5) NOT NULL,
	"currency" varchar(3) NOT NULL,
	"weight" numeric(19, 5) NOT NULL,
	"pack_no" integer NOT NULL,
	"consignee_hash" varchar(64) NOT NULL,
	"extra" jsonb NOT NULL,
	"pii_enc" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"receipt_seq" integer NOT NULL,
	"status" varchar(12) NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"last_status_code" integer,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enterprise_uscc" varchar(18) NOT NULL,
	"url" varchar(500) NOT NULL,
	"from_seq" integer DEFAULT 0 NOT NULL,
	"active" smallint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enterprise_certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"uscc" varchar(18) NOT NULL,
	"certificate" text NOT NULL,
	"serial_hex" varchar(64) NOT NULL,
	"fingerprint" varchar(64) NOT NULL,
	"algorithm" varchar(16) NOT NULL,
	"subject" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "require_signature" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "decl_documents_key_uq" ON "decl_documents" USING btree ("type","business_key");--> statement-breakpoint
CREATE INDEX "decl_documents_message_idx" ON "decl_documents" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_inventories_order_uq" ON "decl_inventories" USING btree ("ebp_code","ebc_code","order_no");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_inventories_cop_uq" ON "decl_inventories" USING btree ("agent_code","cop_no");--> statement-breakpoint
CREATE INDEX "decl_inventories_waybill_idx" ON "decl_inventories" USING btree ("logistics_code","logistics_no");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_inventory_items_uq" ON "decl_inventory_items" USING btree ("inventory_id","gnum");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_messages_sender_guid_uq" ON "decl_messages" USING btree ("sender_uscc","guid");--> statement-breakpoint
CREATE INDEX "decl_messages_sender_time_idx" ON "decl_messages" USING btree ("sender_uscc","received_at");--> statement-breakpoint
CREATE INDEX "decl_messages_keys_idx" ON "decl_messages" USING gin ("business_keys");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_order_items_uq" ON "decl_order_items" USING btree ("order_id","gnum");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_orders_key_uq" ON "decl_orders" USING btree ("ebp_code","ebc_code","order_no");--> statement-breakpoint
CREATE INDEX "decl_orders_message_idx" ON "decl_orders" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_payments_key_uq" ON "decl_payments" USING btree ("pay_code","pay_transaction_id");--> statement-breakpoint
CREATE INDEX "decl_payments_order_idx" ON "decl_payments" USING btree ("ebp_code","order_no");--> statement-breakpoint
CREATE INDEX "decl_receipts_recipient_idx" ON "decl_receipts" USING btree ("recipient_uscc","seq");--> statement-breakpoint
CREATE INDEX "decl_receipts_message_idx" ON "decl_receipts" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_waybills_key_uq" ON "decl_waybills" USING btree ("logistics_code","logistics_no");--> statement-breakpoint
CREATE INDEX "decl_waybills_order_idx" ON "decl_waybills" USING btree ("order_no");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_uq" ON "webhook_deliveries" USING btree ("endpoint_id","receipt_seq");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_enterprise_idx" ON "webhook_endpoints" USING btree ("enterprise_uscc");--> statement-breakpoint
CREATE INDEX "enterprise_certificates_uscc_idx" ON "enterprise_certificates" USING btree ("uscc");--> statement-breakpoint
CREATE UNIQUE INDEX "enterprise_certificates_fp_uq" ON "enterprise_certificates" USING btree ("fingerprint");