-- Argo CD health of a Tributary TransformSet, read from the status the operator writes:
-- status.observedGeneration and the condition Ready (docs/crds.md, "TransformSet"). A set runs
-- nothing itself: Healthy when its steps pass the checks every pipeline makes, Degraded when one
-- does not (the message names the step and the fix). Whether a pipeline naming it accepts it is
-- that pipeline's health. What each result means: docs/argocd.md.
-- No Lua standard library beyond base and table: argocd-cm scripts run without them.
local status = obj.status
if status == nil or status.observedGeneration == nil then
  return {status = "Progressing", message = "Waiting for the operator to report status"}
end
local generation = obj.metadata.generation
if generation ~= nil and status.observedGeneration < generation then
  return {
    status = "Progressing",
    message = "Waiting for the operator to act on generation " .. generation
      .. " (status is for generation " .. status.observedGeneration .. ")"
  }
end

local c = {}
if status.conditions ~= nil then
  for _, condition in ipairs(status.conditions) do
    if condition.type ~= nil then
      c[condition.type] = condition
    end
  end
end
local ready = c["Ready"]
if ready == nil then
  return {status = "Progressing", message = "Waiting for the operator to report status"}
end
local message = ready.message
if message == nil then
  message = ready.reason
end
if ready.status == "True" then
  return {status = "Healthy", message = message}
end
return {status = "Degraded", message = message}
