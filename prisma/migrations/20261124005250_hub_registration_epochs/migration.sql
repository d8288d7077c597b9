-- AlterEnum
ALTER TYPE "batch_status" ADD VALUE 'held';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "chain_status" ADD VALUE 'pending';
ALTER TYPE "chain_status" ADD VALUE 'approving';

-- AlterTable
ALTER TABLE "chains" ADD COLUMN     "approved_at" TIMESTAMPTZ(3),
ADD COLUMN     "registration_signature" TEXT,
ALTER COLUMN "slot" DROP NOT NULL;

-- AlterTable
ALTER TABLE "epochs" ADD COLUMN     "circuit_input" JSONB,
ADD COLUMN     "proving_ms" INTEGER,
ADD COLUMN     "published_at" TIMESTAMPTZ(3);
