-- Argo CD health of a Tributary ComputePool, read from the status the operator writes:
-- status.observedGeneration, status.desiredNodes and the conditions Ready, Progressing,
-- Degraded, Scaling and AtMaximum (docs/crds.md, "Reading status"). What each result means:
-- docs/argocd.md.
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
local scaling, atMaximum = c["Scaling"], c["AtMaximum"]
if ready == nil then
  return {status = "Progressing", message = "Waiting for the operator to report status"}
end

-- Matching nodes report not Ready.
if isTrue(degraded) then
  return {status = "Degraded", message = message(degraded, degraded.reason)}
end
-- The scale target cannot be read or written: the pool cannot grow for waiting workers.
if scaling ~= nil and scaling.reason == "ScaleTargetUnavailable" then
  return {status = "Degraded", message = message(scaling, scaling.reason)}
end
-- Nodes are on their way or leaving, or cordoned for a drain.
if isTrue(progressing) then
  return {status = "Progressing", message = message(progressing, progressing.reason)}
end

if ready.status == "True" then
  -- Healthy itself; its waiting workers show as Progressing on their StreamJob or DataPipeline.
  if isTrue(atMaximum) then
    return {status = "Healthy", message = message(ready, "") .. "; " .. message(atMaximum, "")}
  end
  return {status = "Healthy", message = ready.message}
end
-- No nodes, on purpose: the operator scaled the pool to zero and grows it when a worker waits.
if status.desiredNodes == 0 then
  return {
    status = "Healthy",
    message = "scaled to zero: the operator adds nodes when a worker waits for this pool"
  }
end
-- No node takes work and nothing will add one: label nodes, or set spec.scaleTargetRef.
return {status = "Degraded", message = message(ready, ready.reason)}
