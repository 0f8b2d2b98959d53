CREATE TABLE "gw_inbox_seen" (
	"key" varchar(300) PRIMARY KEY NOT NULL,
	"transport_id" varchar(255),
	"outcome" varchar(12) DEFAULT 'applied' NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gw_outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"msg_type" varchar(20) NOT NULL,
	"guid" varchar(36) NOT NULL,
	"source_message_id" uuid,
	"record_count" integer NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	CONSTRAINT "gw_outbox_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE INDEX "gw_outbox_pending_idx" ON "gw_outbox" USING btree ("seq") WHERE "gw_outbox"."sent_at" is null;