-- Argo CD health of a Tributary StreamJob, read from the status the operator writes:
-- status.observedGeneration and the conditions Ready, Progressing and Degraded (docs/crds.md,
-- "Reading status"). What each result means: docs/argocd.md.
-- No Lua standard library beyond base and table: argocd-cm scripts run without them.
local function conditions(status)
  local byType = {}
  if status.conditions ~= nil then
    for _, c in ipairs(status.conditions) do
      if c.type ~= nil then
        byType[c.type] = c
      end
    end
  end
  return byType
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function message(c, otherwise)
  if c ~= nil and c.message ~= nil then
    return c.message
  end
  return otherwise
end

-- Ready reasons that do not go away by waiting: the spec, the pool, the namespace or a Secret
-- has to change first.
local refused = {
  InvalidSpec = true,
  UnknownPool = true,
  TransformSetNotFound = true,
  ResidencyViolation = true,
  InvalidExpression = true,
  DependencyCycle = true,
  InvalidPlan = true
}

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

local c = conditions(status)
local ready, progressing, degraded = c["Ready"], c["Progressing"], c["Degraded"]
if ready == nil then
  return {status = "Progressing", message = "Waiting for the operator to report status"}
end

-- Stopped on purpose, waiting for a person: a validate step with onInvalid fail refused a
-- record (the message says how to resume), or spec.suspend is true.
if ready.reason == "Halted" then
  return {status = "Suspended", message = message(ready, "halted on a record")}
end
if obj.spec ~= nil and obj.spec.suspend == true and ready.reason == "ScaledToZero" then
  return {status = "Suspended", message = message(ready, "spec.suspend is true")}
end

-- Workers crash-loop, an invalid edit waits while the last good workers run, or the operator
-- cannot reconcile (it retries with backoff).
if isTrue(degraded) then
  return {status = "Degraded", message = message(degraded, degraded.reason)}
end
if ready.status ~= "True" and refused[ready.reason] then
  return {status = "Degraded", message = message(ready, ready.reason)}
end

-- Workers starting, pending, unschedulable (the scheduler's words) or restarting once.
if ready.status ~= "True" then
  return {status = "Progressing", message = message(ready, ready.reason)}
end
-- Available, and a rollout or a rescale is under way.
if isTrue(progressing) then
  return {status = "Progressing", message = message(progressing, progressing.reason)}
end
return {status = "Healthy", message = ready.message}
