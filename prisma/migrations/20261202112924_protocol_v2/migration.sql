-- Protocol v2 (libs/protocol/SPEC.md "Changes from v1"): batches carry the chain root their operator signed, epochs
-- name their shape and data commitment, chain apps keep their chain tree's frontier. v1 rows cannot be carried over
-- (v1 signatures do not cover a chain root; v1 epochs were proved by other circuits for another L1 contract), so a v2
-- network starts from an empty database: the NOT NULL columns without defaults make this migration fail on a
-- database that still holds v1 batches or epochs rather than leave rows v2 would misread.

-- AlterTable
ALTER TABLE "batches" ADD COLUMN     "chain_root" TEXT NOT NULL;

-- AlterTable
ALTER TABLE "epochs" DROP COLUMN "commitment",
ADD COLUMN     "data_commitment" TEXT NOT NULL,
ADD COLUMN     "shape_id" INTEGER NOT NULL;

-- AlterTable
ALTER TABLE "sealed_batches" ADD COLUMN     "chain_root" TEXT NOT NULL;

-- CreateTable
CREATE TABLE "chain_tree_frontiers" (
    "chain_id" BIGINT NOT NULL,
    "size" BIGINT NOT NULL,
    "frontier" JSONB NOT NULL,
    "root" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chain_tree_frontiers_pkey" PRIMARY KEY ("chain_id")
);
