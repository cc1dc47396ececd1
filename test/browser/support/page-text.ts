import { Locator } from 'playwright-core';

/** Waits until the element's text matches (as a user reading the page would) and returns it. */
export async function waitForText(locator: Locator, pattern: RegExp, timeout = 10_000): Promise<string> {
  const matched = await locator
    .page()
    .waitForFunction(
      ({ element, source }) => new RegExp(source).test(element!.textContent ?? '') && element!.textContent,
      { element: await locator.elementHandle(), source: pattern.source },
      { timeout },
    );
  return (await matched.jsonValue()) as string;
}
