// The planner's public surface. Everything outside src/core imports from here.
export * from './model.js';
export * from './plan-types.js';
export { parseQuantity, QuantityError } from './quantity.js';
export { planCycle } from './plan.js';
export { gangKeyResolver, gangsOf, podRoles, type Gang, type GangIndex, type Hold, type PodRoles } from './gangs.js';
export { GANG_SOURCES, POD_GROUP_API, gangKey } from './gang-sources.js';
export { compareStrings } from './compare.js';
export { ok, fail, type Failure, type Result, type Success } from './result.js';
export {
  LABEL_VALUE,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  MAX_LABEL_LENGTH,
  MAX_SUBDOMAIN_LENGTH,
  isDnsLabel,
  isDnsSubdomain,
  labelValueProblem,
} from './labels.js';
export {
  PLAN_SETTINGS,
  PLAN_SETTING_FIELDS,
  parseDuration,
  parseSwitch,
  type PlanSetting,
  type PlanSettings,
} from './plan-settings.js';
export { SELECTED_NODE, BOUND_BY_CONTROLLER, chosenAtAnnotation } from './volumes/annotations.js';
