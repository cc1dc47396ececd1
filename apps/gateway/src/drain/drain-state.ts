import { Global, Injectable, Module } from '@nestjs/common';

/** Whether this process is draining for shutdown: read by readiness and admission, set once by the drain. */
@Injectable()
export class DrainState {
  private since: Date | undefined;

  get draining(): boolean {
    return this.since !== undefined;
  }

  get startedAt(): Date | undefined {
    return this.since;
  }

  /** Idempotent: the first call wins. */
  begin(): void {
    this.since ??= new Date();
  }
}

/**
 * Global so health (and anyone else) can read the drain state, while DrainModule itself stays a plain
 * module: Nest runs global modules' shutdown hooks last, and the drain must run before the others'.
 */
@Global()
@Module({ providers: [DrainState], exports: [DrainState] })
export class DrainStateModule {}
