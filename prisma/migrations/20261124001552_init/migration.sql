-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "chain_status" AS ENUM ('active', 'paused', 'flagged');

-- CreateEnum
CREATE TYPE "batch_status" AS ENUM ('received', 'aggregated');

-- CreateEnum
CREATE TYPE "epoch_status" AS ENUM ('created', 'proving', 'proved', 'submitted', 'settled', 'failed');

-- CreateEnum
CREATE TYPE "message_kind" AS ENUM ('call', 'token');

-- CreateEnum
CREATE TYPE "message_status" AS ENUM ('sent', 'batched', 'proven', 'relaying', 'executed', 'failed');

-- CreateEnum
CREATE TYPE "ledger_account_type" AS ENUM ('asset', 'liability', 'revenue', 'expense', 'equity');

-- CreateTable
CREATE TABLE "chains" (
    "id" SERIAL NOT NULL,
    "chain_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "status" "chain_status" NOT NULL DEFAULT 'active',
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "l1_tx_hash" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chains_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batches" (
    "id" BIGSERIAL NOT NULL,
    "chain_id" BIGINT NOT NULL,
    "batch_number" BIGINT NOT NULL,
    "batch_root" TEXT NOT NULL,
    "message_count" INTEGER NOT NULL,
    "first_block" BIGINT NOT NULL,
    "last_block" BIGINT NOT NULL,
    "signature" TEXT NOT NULL,
    "status" "batch_status" NOT NULL DEFAULT 'received',
    "epoch" BIGINT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "equivocations" (
    "id" BIGSERIAL NOT NULL,
    "chain_id" BIGINT NOT NULL,
    "batch_number" BIGINT NOT NULL,
    "first_root" TEXT NOT NULL,
    "second_root" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "equivocations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "epochs" (
    "id" BIGSERIAL NOT NULL,
    "number" BIGINT NOT NULL,
    "prev_root" TEXT NOT NULL,
    "root" TEXT NOT NULL,
    "commitment" TEXT NOT NULL,
    "updates" JSONB NOT NULL,
    "status" "epoch_status" NOT NULL DEFAULT 'created',
    "proof" JSONB,
    "public_signals" JSONB,
    "l1_tx_hash" TEXT,
    "l1_block" BIGINT,
    "gas_used" DECIMAL(78,0),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "proved_at" TIMESTAMPTZ(3),
    "submitted_at" TIMESTAMPTZ(3),
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "epochs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "messages" (
    "id" TEXT NOT NULL,
    "src_chain_id" BIGINT NOT NULL,
    "dst_chain_id" BIGINT NOT NULL,
    "nonce" DECIMAL(78,0) NOT NULL,
    "sender" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "kind" "message_kind" NOT NULL,
    "payload" TEXT NOT NULL,
    "asset_id" TEXT NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "fee" DECIMAL(78,0) NOT NULL,
    "gas_limit" DECIMAL(78,0) NOT NULL,
    "batch_number" BIGINT,
    "leaf_index" INTEGER,
    "status" "message_status" NOT NULL DEFAULT 'sent',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3),
    "dst_tx_hash" TEXT,
    "src_tx_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message_events" (
    "id" BIGSERIAL NOT NULL,
    "message_id" TEXT NOT NULL,
    "status" "message_status" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "detail" JSONB,

    CONSTRAINT "message_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fee_policies" (
    "id" SERIAL NOT NULL,
    "version" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "burn_bps" INTEGER NOT NULL,
    "staking_bps" INTEGER NOT NULL,
    "treasury_bps" INTEGER NOT NULL,
    "active_from" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fee_policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_accounts" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "ledger_account_type" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "journal_entries" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "message_id" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "memo" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "journal_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "postings" (
    "id" BIGSERIAL NOT NULL,
    "entry_id" BIGINT NOT NULL,
    "account_code" TEXT NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "currency" TEXT NOT NULL,
    "chain_id" BIGINT NOT NULL,

    CONSTRAINT "postings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consumer_checkpoints" (
    "id" SERIAL NOT NULL,
    "consumer" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "consumer_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "watcher_checkpoints" (
    "id" SERIAL NOT NULL,
    "chain_id" BIGINT NOT NULL,
    "watcher" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "watcher_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "chains_chain_id_key" ON "chains"("chain_id");

-- CreateIndex
CREATE UNIQUE INDEX "chains_slot_key" ON "chains"("slot");

-- CreateIndex
CREATE INDEX "batches_status_idx" ON "batches"("status");

-- CreateIndex
CREATE INDEX "batches_epoch_idx" ON "batches"("epoch");

-- CreateIndex
CREATE UNIQUE INDEX "batches_chain_id_batch_number_key" ON "batches"("chain_id", "batch_number");

-- CreateIndex
CREATE UNIQUE INDEX "equivocations_chain_id_batch_number_second_root_key" ON "equivocations"("chain_id", "batch_number", "second_root");

-- CreateIndex
CREATE UNIQUE INDEX "epochs_number_key" ON "epochs"("number");

-- CreateIndex
CREATE INDEX "epochs_status_idx" ON "epochs"("status");

-- CreateIndex
CREATE INDEX "messages_status_next_attempt_at_idx" ON "messages"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "messages_src_chain_id_batch_number_idx" ON "messages"("src_chain_id", "batch_number");

-- CreateIndex
CREATE INDEX "messages_dst_chain_id_status_idx" ON "messages"("dst_chain_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "messages_src_chain_id_nonce_sender_key" ON "messages"("src_chain_id", "nonce", "sender");

-- CreateIndex
CREATE INDEX "message_events_message_id_at_idx" ON "message_events"("message_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "fee_policies_version_key" ON "fee_policies"("version");

-- CreateIndex
CREATE INDEX "fee_policies_active_from_idx" ON "fee_policies"("active_from");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_accounts_code_key" ON "ledger_accounts"("code");

-- CreateIndex
CREATE UNIQUE INDEX "journal_entries_idempotency_key_key" ON "journal_entries"("idempotency_key");

-- CreateIndex
CREATE INDEX "journal_entries_message_id_idx" ON "journal_entries"("message_id");

-- CreateIndex
CREATE INDEX "journal_entries_kind_created_at_idx" ON "journal_entries"("kind", "created_at");

-- CreateIndex
CREATE INDEX "postings_entry_id_idx" ON "postings"("entry_id");

-- CreateIndex
CREATE INDEX "postings_account_code_currency_idx" ON "postings"("account_code", "currency");

-- CreateIndex
CREATE UNIQUE INDEX "consumer_checkpoints_consumer_topic_partition_key" ON "consumer_checkpoints"("consumer", "topic", "partition");

-- CreateIndex
CREATE UNIQUE INDEX "watcher_checkpoints_chain_id_watcher_key" ON "watcher_checkpoints"("chain_id", "watcher");

-- AddForeignKey
ALTER TABLE "batches" ADD CONSTRAINT "batches_chain_id_fkey" FOREIGN KEY ("chain_id") REFERENCES "chains"("chain_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "equivocations" ADD CONSTRAINT "equivocations_chain_id_fkey" FOREIGN KEY ("chain_id") REFERENCES "chains"("chain_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message_events" ADD CONSTRAINT "message_events_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "postings" ADD CONSTRAINT "postings_entry_id_fkey" FOREIGN KEY ("entry_id") REFERENCES "journal_entries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "postings" ADD CONSTRAINT "postings_account_code_fkey" FOREIGN KEY ("account_code") REFERENCES "ledger_accounts"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------------------------
-- Hand-written below this line: rules Prisma's schema language cannot express. The schema engine's diff ignores
-- CHECK constraints, functions and triggers, so `npm run db:migrate -- --check` stays clean with them.
-- ---------------------------------------------------------------------------------------------------------------

-- A posting moves a non-zero amount; a fee policy splits revenue into parts that add up to the whole.
ALTER TABLE "postings" ADD CONSTRAINT "postings_amount_non_zero" CHECK ("amount" <> 0);
ALTER TABLE "fee_policies" ADD CONSTRAINT "fee_policies_split_bps" CHECK (
    "burn_bps" >= 0 AND "staking_bps" >= 0 AND "treasury_bps" >= 0
    AND "burn_bps" + "staking_bps" + "treasury_bps" = 10000
);
ALTER TABLE "messages" ADD CONSTRAINT "messages_non_negative" CHECK (
    "nonce" >= 0 AND "amount" >= 0 AND "fee" >= 0 AND "gas_limit" >= 0 AND "attempts" >= 0
);
ALTER TABLE "chains" ADD CONSTRAINT "chains_slot_non_negative" CHECK ("slot" >= 0);

-- Double entry: at commit time every journal entry has at least two postings and, per currency, they sum to zero.
-- A deferred constraint trigger lets the entry and its postings be written in any order inside one transaction.
CREATE FUNCTION "journal_entry_is_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    checked_entry BIGINT;
    posting_count INTEGER;
    unbalanced RECORD;
BEGIN
    IF TG_TABLE_NAME = 'journal_entries' THEN
        checked_entry := NEW."id";
    ELSIF TG_OP = 'DELETE' THEN
        checked_entry := OLD."entry_id";
    ELSE
        checked_entry := NEW."entry_id";
    END IF;
    -- The entry itself was deleted (its postings cascade): nothing left to balance.
    IF NOT EXISTS (SELECT 1 FROM "journal_entries" WHERE "id" = checked_entry) THEN
        RETURN NULL;
    END IF;
    SELECT count(*) INTO posting_count FROM "postings" WHERE "entry_id" = checked_entry;
    IF posting_count < 2 THEN
        RAISE EXCEPTION 'journal entry % has % posting(s); a balanced entry needs at least two', checked_entry, posting_count
            USING ERRCODE = '23514', CONSTRAINT = 'journal_entry_balanced';
    END IF;
    SELECT "currency", sum("amount") AS total INTO unbalanced
        FROM "postings" WHERE "entry_id" = checked_entry
        GROUP BY "currency" HAVING sum("amount") <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % is unbalanced: postings in currency % sum to %, not 0', checked_entry, unbalanced."currency", unbalanced.total
            USING ERRCODE = '23514', CONSTRAINT = 'journal_entry_balanced';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "postings_balanced"
    AFTER INSERT OR UPDATE OR DELETE ON "postings"
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION "journal_entry_is_balanced"();

CREATE CONSTRAINT TRIGGER "journal_entries_balanced"
    AFTER INSERT ON "journal_entries"
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION "journal_entry_is_balanced"();
