-- Argo CD health of a Tributary DataPipeline, read from the status the operator writes:
-- status.observedGeneration, status.phase, status.lastRun and the conditions Ready, Progressing
-- and Degraded (docs/crds.md, "Reading status"). What each result means: docs/argocd.md.
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

-- spec.suspend: no new run starts. A run still going finishes first, and shows as below.
if status.phase == "Suspended" then
  if ready.reason == "Suspended" then
    return {status = "Suspended", message = ready.message}
  end
  return {
    status = "Suspended",
    message = "spec.suspend is true: no run starts until it is false. Last: " .. message(ready, "")
  }
end

-- Retries exhausted, or the operator cannot reconcile (it retries with backoff).
if isTrue(degraded) then
  return {status = "Degraded", message = message(degraded, degraded.reason)}
end

-- Refused (InvalidSpec, UnknownPool, ResidencyViolation, DependencyCycle, InvalidExpression,
-- TransformSetNotFound): nothing runs until the spec, the pool, the namespace or a set changes.
if status.phase == "Invalid" then
  return {status = "Degraded", message = message(ready, ready.reason)}
end

if ready.status == "True" then
  -- A run this sync started (a spec change, when there is no schedule and no dependsOn) is what
  -- proves the new spec: wait for it, as for a Job. Runs from other triggers leave a pipeline
  -- whose last run succeeded Healthy, so scheduled runs do not flip the Application.
  local run = status.lastRun
  if isTrue(progressing) and run ~= nil and run.trigger == "spec" then
    return {status = "Progressing", message = message(progressing, progressing.reason)}
  end
  return {status = "Healthy", message = ready.message}
end

-- The first run is pending, running, or waiting for its retry.
if isTrue(progressing) then
  return {status = "Progressing", message = message(progressing, progressing.reason)}
end

-- Valid and waiting for its trigger (a cron time, an upstream success): nothing is wrong yet.
if ready.reason == "Scheduled" or ready.reason == "WaitingForUpstream" or ready.reason == "Idle" then
  return {status = "Healthy", message = ready.message}
end

return {status = "Progressing", message = message(ready, ready.reason)}
