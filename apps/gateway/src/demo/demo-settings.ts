/** Whether this gateway serves the demo page (DEMO_PAGE); the SDK bundle is served either way. */
export class DemoSettings {
  constructor(readonly pageEnabled: boolean) {}
}
