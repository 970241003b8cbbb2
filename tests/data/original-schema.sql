-- The original service's schema after all its migrations (docs/migrating-from-the-original.md):
-- the source that `authkit-server import-original` reads. Written as the original's ORM
-- (Prisma) creates it: quoted mixed-case names, enums for the statuses, TIMESTAMP(3) WITHOUT TIME
-- ZONE columns holding UTC, a SERIAL user id. The tests (tests/import) create it in an empty
-- PostgreSQL database and fill it with generated rows.

CREATE TYPE "SessionStatus" AS ENUM ('ACTIVE', 'REVOKED', 'COMPROMISED');

CREATE TYPE "RefreshTokenStatus" AS ENUM ('ACTIVE', 'USED', 'REVOKED', 'REUSED');

CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "status" "SessionStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3),
    "userAgent" TEXT,
    "ipAddress" TEXT,
    "revokedAt" TIMESTAMP(3),
    "revokeReason" TEXT,
    "compromisedAt" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- The physical column order of the migrations: the table predates sessions, whose columns came
-- last.
CREATE TABLE "RefreshToken" (
    "id" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "jti" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "status" "RefreshTokenStatus" NOT NULL DEFAULT 'ACTIVE',
    "usedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    -- No foreign key and no index on the two lineage columns: they may name a token that is gone.
    "parentTokenId" TEXT,
    "replacedByTokenId" TEXT,

    CONSTRAINT "RefreshToken_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

CREATE INDEX "Session_userId_idx" ON "Session"("userId");

CREATE INDEX "Session_status_idx" ON "Session"("status");

CREATE UNIQUE INDEX "RefreshToken_jti_key" ON "RefreshToken"("jti");

CREATE UNIQUE INDEX "RefreshToken_tokenHash_key" ON "RefreshToken"("tokenHash");

CREATE INDEX "RefreshToken_sessionId_idx" ON "RefreshToken"("sessionId");

CREATE INDEX "RefreshToken_status_idx" ON "RefreshToken"("status");

CREATE INDEX "RefreshToken_sessionId_status_idx" ON "RefreshToken"("sessionId", "status");

ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId")
    REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "RefreshToken" ADD CONSTRAINT "RefreshToken_sessionId_fkey" FOREIGN KEY ("sessionId")
    REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;
