-- CreateTable
CREATE TABLE "chain_messages" (
    "id" BIGSERIAL NOT NULL,
    "chain_id" BIGINT NOT NULL,
    "message_id" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "dst_chain_id" BIGINT NOT NULL,
    "message" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'sent',
    "batch_number" BIGINT,
    "leaf_index" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chain_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chain_blocks" (
    "chain_id" BIGINT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "parent_hash" TEXT NOT NULL,

    CONSTRAINT "chain_blocks_pkey" PRIMARY KEY ("chain_id","block_number")
);

-- CreateTable
CREATE TABLE "sealed_batches" (
    "chain_id" BIGINT NOT NULL,
    "batch_number" BIGINT NOT NULL,
    "batch_root" TEXT NOT NULL,
    "message_count" INTEGER NOT NULL,
    "first_block" BIGINT NOT NULL,
    "last_block" BIGINT NOT NULL,
    "signature" TEXT NOT NULL,
    "sealed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "publish_attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "sealed_batches_pkey" PRIMARY KEY ("chain_id","batch_number")
);

-- CreateTable
CREATE TABLE "imported_roots" (
    "chain_id" BIGINT NOT NULL,
    "epoch" BIGINT NOT NULL,
    "root" TEXT NOT NULL,
    "l1_block" BIGINT NOT NULL,
    "l1_tx_hash" TEXT NOT NULL,
    "l2_tx_hash" TEXT,
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "imported_roots_pkey" PRIMARY KEY ("chain_id","epoch")
);

-- CreateIndex
CREATE INDEX "chain_messages_chain_id_batch_number_leaf_index_idx" ON "chain_messages"("chain_id", "batch_number", "leaf_index");

-- CreateIndex
CREATE INDEX "chain_messages_chain_id_message_id_idx" ON "chain_messages"("chain_id", "message_id");

-- CreateIndex
CREATE UNIQUE INDEX "chain_messages_chain_id_block_number_log_index_key" ON "chain_messages"("chain_id", "block_number", "log_index");

-- CreateIndex
CREATE INDEX "sealed_batches_chain_id_published_at_idx" ON "sealed_batches"("chain_id", "published_at");
