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
CREATE TABLE "decl_delegations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"principal_uscc" varchar(18) NOT NULL,
	"delegate_uscc" varchar(18) NOT NULL,
	"message_types" text[] NOT NULL,
	"valid_from" varchar(10) NOT NULL,
	"valid_until" varchar(10) NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoked_by_uscc" varchar(18),
	"revoke_reason" text
);
--> statement-breakpoint
CREATE TABLE "ca_revocations" (
	"ca_id" uuid NOT NULL,
	"serial_hex" varchar(64) NOT NULL,
	"revoked_at" timestamp with time zone NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trusted_cas" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"certificate" text NOT NULL,
	"fingerprint" varchar(64) NOT NULL,
	"subject" text NOT NULL,
	"serial_hex" varchar(64) NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"label" varchar(200) NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_by" uuid
);
--> statement-breakpoint
CREATE TABLE "api_key_rate" (
	"api_key_id" uuid PRIMARY KEY NOT NULL,
	"tat" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_throttle" (
	"key" varchar(200) PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"pending" integer DEFAULT 0 NOT NULL,
	"strikes" integer DEFAULT 0 NOT NULL,
	"last_failure_at" timestamp with time zone,
	"reserved_at" timestamp with time zone,
	"locked_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clr_lists" ADD COLUMN "declarer_uscc" varchar(18);--> statement-breakpoint
-- a list's declarer is its e-commerce enterprise (when filed here), else the enterprise that sent it
UPDATE "clr_lists" l SET "declarer_uscc" = coalesce((SELECT e."uscc" FROM "enterprises" e WHERE e."uscc" = l."ebc_code" OR e."customs_code" = l."ebc_code" LIMIT 1), l."agent_uscc");--> statement-breakpoint
ALTER TABLE "clr_lists" ALTER COLUMN "declarer_uscc" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "decl_documents" ADD COLUMN "declarer_uscc" varchar(18);--> statement-breakpoint
-- documents keep their fields encrypted: their declarer is their sender (a cancellation, return or entry of an agent
-- is changed by that agent, or declared anew)
UPDATE "decl_documents" r SET "declarer_uscc" = m."sender_uscc" FROM "decl_messages" m WHERE m."id" = r."message_id";--> statement-breakpoint
ALTER TABLE "decl_documents" ALTER COLUMN "declarer_uscc" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "decl_inventories" ADD COLUMN "declarer_uscc" varchar(18);--> statement-breakpoint
UPDATE "decl_inventories" r SET "declarer_uscc" = coalesce((SELECT e."uscc" FROM "enterprises" e WHERE e."uscc" = r."ebc_code" OR e."customs_code" = r."ebc_code" LIMIT 1), m."sender_uscc")
  FROM "decl_messages" m WHERE m."id" = r."message_id";--> statement-breakpoint
ALTER TABLE "decl_inventories" ALTER COLUMN "declarer_uscc" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "decl_orders" ADD COLUMN "declarer_uscc" varchar(18);--> statement-breakpoint
-- the enterprise a record was declared for: its sender when the sender is a principal of the record (declarants.ts),
-- else its principal filed here (a delegate's or an agent's record), else the sender
UPDATE "decl_orders" r SET "declarer_uscc" = coalesce(
  CASE WHEN m."sender_uscc" IN ((SELECT e."uscc" FROM "enterprises" e WHERE e."uscc" = r."ebp_code" OR e."customs_code" = r."ebp_code" LIMIT 1), (SELECT e."uscc" FROM "enterprises" e WHERE e."uscc" = r."ebc_code" OR e."customs_code" = r."ebc_code" LIMIT 1)) THEN m."sender_uscc" END,
  (SELECT e."uscc" FROM "enterprises" e WHERE e."uscc" = r."ebc_code" OR e."customs_code" = r."ebc_code" LIMIT 1), (SELECT e."uscc" FROM "enterprises" e WHERE e."uscc" = r."ebp_code" OR e."customs_code" = r."ebp_code" LIMIT 1), m."sender_uscc")
  FROM "decl_messages" m WHERE m."id" = r."message_id";--> statement-breakpoint
ALTER TABLE "decl_orders" ALTER COLUMN "declarer_uscc" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "decl_payments" ADD COLUMN "declarer_uscc" varchar(18);--> statement-breakpoint
UPDATE "decl_payments" r SET "declarer_uscc" = coalesce((SELECT e."uscc" FROM "enterprises" e WHERE e."uscc" = r."pay_code" OR e."customs_code" = r."pay_code" LIMIT 1), m."sender_uscc")
  FROM "decl_messages" m WHERE m."id" = r."message_id";--> statement-breakpoint
ALTER TABLE "decl_payments" ALTER COLUMN "declarer_uscc" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "decl_waybills" ADD COLUMN "declarer_uscc" varchar(18);--> statement-breakpoint
UPDATE "decl_waybills" r SET "declarer_uscc" = coalesce((SELECT e."uscc" FROM "enterprises" e WHERE e."uscc" = r."logistics_code" OR e."customs_code" = r."logistics_code" LIMIT 1), m."sender_uscc")
  FROM "decl_messages" m WHERE m."id" = r."message_id";--> statement-breakpoint
ALTER TABLE "decl_waybills" ALTER COLUMN "declarer_uscc" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "enterprise_certificates" ADD COLUMN "trust" varchar(12) DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "enterprise_certificates" ADD COLUMN "ca_id" uuid;--> statement-breakpoint
ALTER TABLE "enterprise_certificates" ADD COLUMN "reviewed_by" uuid;--> statement-breakpoint
ALTER TABLE "enterprise_certificates" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enterprise_certificates" ADD COLUMN "review_note" text;--> statement-breakpoint
ALTER TABLE "api_key_rate" ADD CONSTRAINT "api_key_rate_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "decl_delegations_delegate_idx" ON "decl_delegations" USING btree ("delegate_uscc","principal_uscc");--> statement-breakpoint
CREATE INDEX "decl_delegations_principal_idx" ON "decl_delegations" USING btree ("principal_uscc");--> statement-breakpoint
CREATE UNIQUE INDEX "ca_revocations_uq" ON "ca_revocations" USING btree ("ca_id","serial_hex");--> statement-breakpoint
CREATE INDEX "trusted_cas_fp_idx" ON "trusted_cas" USING btree ("fingerprint");--> statement-breakpoint
CREATE INDEX "login_throttle_updated_idx" ON "login_throttle" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "decl_orders_buyer_idx" ON "decl_orders" USING btree ("buyer_hash");--> statement-breakpoint
CREATE INDEX "enterprise_certificates_trust_idx" ON "enterprise_certificates" USING btree ("trust");