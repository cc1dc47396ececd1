import { Module } from '@nestjs/common';
import { ClientBundleController } from './client-bundle.controller';
import { ClientBundleFiles } from './client-bundle-files';

/** Serves the browser SDK bundle at /client/ to pages on any origin (always on, unlike the demo page). */
@Module({
  controllers: [ClientBundleController],
  providers: [ClientBundleFiles],
})
export class ClientBundleModule {}
