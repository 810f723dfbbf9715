// Accessibility check with axe-core: the scenarios fail on any violation of serious or critical impact.
import AxeBuilder from '@axe-core/playwright';

export async function seriousViolations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map(describe).slice(0, 3).join('; ')}`);
}

/** Where a finding is: axe's selector and the element's opening tag (the selector alone can be `:root`). */
function describe(node) {
  return `${node.target.join(' ')} ${node.html.slice(0, 160)}`;
}
