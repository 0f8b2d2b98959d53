DROP INDEX "clr_tax_bills_list_uq";--> statement-breakpoint
CREATE INDEX "clr_tax_bills_list_idx" ON "clr_tax_bills" USING btree ("list_id");--> statement-breakpoint
CREATE UNIQUE INDEX "clr_tax_bills_invt_no_uq" ON "clr_tax_bills" USING btree ("invt_no");