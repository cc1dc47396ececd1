import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ServerRedis } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { RedisConnections, RedisSubscription } from '@tts/config';
import { CREDITS_BALANCE_PATTERN, CreditsBalanceReply, CreditsBalanceRequest, toReportedNumber } from '@tts/protocol';
import { BalancePublisher } from './balance-publisher.service';

/**
 * Answers a gateway that found no cached balance at connect, and caches the answer for the next one.
 * Its own microservices server listens on the deployment's namespaced channel (a decorator's pattern
 * is fixed at compile time, the namespace is not), so another deployment's gateways never reach it.
 * Started while Redis is unreachable, it subscribes once Redis answers (RedisSubscription).
 */
@Injectable()
export class CreditsBalanceResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscription: RedisSubscription;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly publisher: BalancePublisher,
    redis: RedisConnections,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(CreditsBalanceResponder.name);
    const channel = redis.namespace.channel(CREDITS_BALANCE_PATTERN);
    this.subscription = new RedisSubscription(
      () => new ServerRedis(redis.pubsub('balance-requests')),
      (server) => server.addHandler(channel, async (request: CreditsBalanceRequest) => this.balance(request)),
      (err) =>
        logger.warn({ err: String(err) }, 'balance request listener not subscribed (Redis unreachable): retrying'),
    );
  }

  /** Resolves after the first attempt, subscribed or not: a boot never waits for Redis. */
  onApplicationBootstrap(): Promise<void> {
    return this.subscription.start();
  }

  async balance(request: CreditsBalanceRequest): Promise<CreditsBalanceReply> {
    const companyId = String(request?.company_id ?? '');
    // Caching is a courtesy here: the gateway gets its answer even when Redis refuses the write.
    const read = async () => {
      const rows: Array<{ balance: string; version: string }> = await this.db.query(
        `SELECT balance_credits::text AS balance, balance_version::text AS version FROM companies WHERE company_id = $1`,
        [companyId],
      );
      return rows.map((r) => ({ companyId, balance: r.balance, version: r.version, decreased: false }));
    };
    const [row] = await this.publisher.publishSnapshot(read).then(
      (snapshot) => snapshot.rows,
      () => read(),
    );
    if (!row) return { company_id: companyId, balance_credits: null };
    return { company_id: companyId, balance_credits: toReportedNumber(row.balance) };
  }

  onApplicationShutdown(): Promise<void> {
    return this.subscription.close();
  }
}
