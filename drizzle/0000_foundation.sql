CREATE TABLE "enterprise_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"uscc" varchar(18) NOT NULL,
	"action" varchar(32) NOT NULL,
	"from_status" varchar(24),
	"to_status" varchar(24) NOT NULL,
	"reason" text,
	"actor_user_id" uuid,
	"actor_role" varchar(32),
	"data" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enterprises" (
	"uscc" varchar(18) PRIMARY KEY NOT NULL,
	"customs_code" varchar(10),
	"name_cn" varchar(200) NOT NULL,
	"name_en" varchar(300),
	"legal_rep_name" varchar(100) NOT NULL,
	"legal_rep_id_enc" text,
	"legal_rep_id_hash" varchar(64),
	"registered_address" varchar(300) NOT NULL,
	"region_code" varchar(6) NOT NULL,
	"contacts" jsonb NOT NULL,
	"dxp_id" varchar(30),
	"roles" text[] NOT NULL,
	"status" varchar(24) NOT NULL,
	"status_reason" text,
	"pending_change" jsonb,
	"origin_zone" varchar(32),
	"origin_record" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"applicant_user_id" uuid,
	"is_demo" boolean DEFAULT false NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trusted_zones" (
	"zone_code" varchar(32) PRIMARY KEY NOT NULL,
	"name" varchar(200) NOT NULL,
	"public_key" varchar(130) NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "uscc_exceptions" (
	"uscc" varchar(18) PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"enterprise_uscc" varchar(18) NOT NULL,
	"name" varchar(100) NOT NULL,
	"prefix" varchar(16) NOT NULL,
	"secret_hash" varchar(64) NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	CONSTRAINT "api_keys_prefix_unique" UNIQUE("prefix")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" varchar(64) PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" varchar(64) NOT NULL,
	"display_name" varchar(100) NOT NULL,
	"role" varchar(32) NOT NULL,
	"enterprise_uscc" varchar(18),
	"password_hash" text NOT NULL,
	"status" varchar(16) DEFAULT 'active' NOT NULL,
	"must_change_password" boolean DEFAULT false NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_login_at" timestamp with time zone,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "audit_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" varchar(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor_user_id" uuid,
	"actor_name" varchar(100),
	"actor_role" varchar(32),
	"enterprise_uscc" varchar(18),
	"action" varchar(64) NOT NULL,
	"target_type" varchar(32),
	"target_id" varchar(100),
	"summary" jsonb,
	"request_id" varchar(64),
	"prev_hash" varchar(64) NOT NULL,
	"hash" varchar(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_keys" (
	"key_id" varchar(32) PRIMARY KEY NOT NULL,
	"purpose" varchar(32) NOT NULL,
	"algorithm" varchar(16) NOT NULL,
	"public_key" varchar(130) NOT NULL,
	"private_key_enc" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enterprise_events_uscc_idx" ON "enterprise_events" USING btree ("uscc","id");--> statement-breakpoint
CREATE INDEX "enterprises_status_idx" ON "enterprises" USING btree ("status");--> statement-breakpoint
CREATE INDEX "enterprises_customs_code_idx" ON "enterprises" USING btree ("customs_code");--> statement-breakpoint
CREATE INDEX "api_keys_enterprise_idx" ON "api_keys" USING btree ("enterprise_uscc");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "users_enterprise_idx" ON "users" USING btree ("enterprise_uscc");--> statement-breakpoint
CREATE INDEX "users_role_idx" ON "users" USING btree ("role");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "audit_log_enterprise_idx" ON "audit_log" USING btree ("enterprise_uscc");