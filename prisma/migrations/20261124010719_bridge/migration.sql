-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "batch_root" TEXT,
ADD COLUMN     "claimed_by" TEXT,
ADD COLUMN     "claimed_until" TIMESTAMPTZ(3),
ADD COLUMN     "epoch" BIGINT,
ADD COLUMN     "gas_price" DECIMAL(78,0),
ADD COLUMN     "gas_used" DECIMAL(78,0),
ADD COLUMN     "on_chain_status" TEXT,
ADD COLUMN     "processed_at" TIMESTAMPTZ(3),
ADD COLUMN     "proof" JSONB,
ADD COLUMN     "relay_raw_tx" TEXT,
ADD COLUMN     "relayer" TEXT;

-- CreateTable
CREATE TABLE "bridge_intake_records" (
    "id" BIGSERIAL NOT NULL,
    "src_chain_id" BIGINT NOT NULL,
    "batch_number" BIGINT NOT NULL,
    "batch_root" TEXT NOT NULL,
    "message_count" INTEGER NOT NULL,
    "leaf_index" INTEGER NOT NULL,
    "message_id" TEXT NOT NULL,
    "message" JSONB NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bridge_intake_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bridge_batches" (
    "id" BIGSERIAL NOT NULL,
    "src_chain_id" BIGINT NOT NULL,
    "batch_number" BIGINT NOT NULL,
    "batch_root" TEXT NOT NULL,
    "message_count" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'incomplete',
    "reason" TEXT,
    "epoch" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "bridge_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bridge_epochs" (
    "epoch" BIGINT NOT NULL,
    "prev_root" TEXT NOT NULL,
    "root" TEXT NOT NULL,
    "updates" JSONB NOT NULL,
    "l1_tx_hash" TEXT NOT NULL,
    "l1_block" BIGINT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bridge_epochs_pkey" PRIMARY KEY ("epoch")
);

-- CreateIndex
CREATE INDEX "bridge_intake_records_src_chain_id_batch_number_batch_root_idx" ON "bridge_intake_records"("src_chain_id", "batch_number", "batch_root");

-- CreateIndex
CREATE UNIQUE INDEX "bridge_intake_records_src_chain_id_batch_number_batch_root__key" ON "bridge_intake_records"("src_chain_id", "batch_number", "batch_root", "leaf_index", "message_id");

-- CreateIndex
CREATE INDEX "bridge_batches_status_idx" ON "bridge_batches"("status");

-- CreateIndex
CREATE UNIQUE INDEX "bridge_batches_src_chain_id_batch_number_batch_root_key" ON "bridge_batches"("src_chain_id", "batch_number", "batch_root");

-- CreateIndex
CREATE INDEX "messages_sender_idx" ON "messages"("sender");

-- CreateIndex
CREATE INDEX "messages_created_at_id_idx" ON "messages"("created_at", "id");

-- Hand-written (the engine's diff ignores CHECKs): bridge relay figures are never negative.
ALTER TABLE "messages" ADD CONSTRAINT "messages_relay_non_negative" CHECK (
    ("gas_used" IS NULL OR "gas_used" >= 0) AND ("gas_price" IS NULL OR "gas_price" >= 0)
);
