-- Each claim of a delivery gets a new number; whatever the claimant writes afterwards (the attempt's
-- outcome, a postponement, a dead letter) applies only while the delivery still carries that number.
-- A claimant whose lease ran out, and whose delivery another instance claimed meanwhile, can then no
-- longer overwrite the newer claimant's outcome (docs/adr/0015-reliability.md).
CREATE SEQUENCE delivery_claim_seq;
ALTER TABLE delivery ADD COLUMN claim bigint;
