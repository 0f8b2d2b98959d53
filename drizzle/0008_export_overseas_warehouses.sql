CREATE TABLE "overseas_warehouses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"no" serial NOT NULL,
	"operator_uscc" varchar(18) NOT NULL,
	"name_cn" varchar(200) NOT NULL,
	"country" varchar(3) NOT NULL,
	"address" varchar(500) NOT NULL,
	"area_m2" numeric(11, 2) NOT NULL,
	"goods_categories" text[] NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_on" date,
	"withdrawn_by" uuid,
	"withdraw_reason" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "overseas_warehouses_no_uq" ON "overseas_warehouses" USING btree ("no");--> statement-breakpoint
CREATE INDEX "overseas_warehouses_operator_idx" ON "overseas_warehouses" USING btree ("operator_uscc");