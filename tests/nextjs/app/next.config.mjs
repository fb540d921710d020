// Nothing about paywall-edge here, on purpose: no serverExternalPackages, no webpack rules.
// What a user tries first is what must work.
export default {};
