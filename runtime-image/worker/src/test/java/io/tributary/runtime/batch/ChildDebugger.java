package io.tributary.runtime.batch;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.Location;
import com.sun.jdi.Method;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;
import com.sun.jdi.connect.ListeningConnector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Stops a child JVM at one exact call, so a crash test can SIGKILL it there. This is how a test
 * reaches a moment that lasts microseconds (between two renames of a commit) without any hook in
 * main code: the child runs the unmodified worker under the JDK's debugger interface (JDI), and the
 * test holds it at a breakpoint until it kills it.
 *
 * <pre>{@code
 * try (ChildDebugger debugger = ChildDebugger.listen()) {
 *   Process child = start(..., debugger.agentOption());
 *   debugger.runUntilCall("...LocalLakeStorage", "publish", "java.nio.file.Files", "move", 3);
 *   child.destroyForcibly(); // SIGKILL, with exactly two files moved
 * }
 * }</pre>
 */
public final class ChildDebugger implements AutoCloseable {
  /** Longest wait for the child to connect or to reach the call. */
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  private final ListeningConnector connector;
  private final Map<String, Connector.Argument> arguments;
  private final String address;
  private VirtualMachine vm;

  private ChildDebugger(
      ListeningConnector connector, Map<String, Connector.Argument> arguments, String address) {
    this.connector = connector;
    this.arguments = arguments;
    this.address = address;
  }

  /** Listens on a free loopback port for one child to connect. */
  public static ChildDebugger listen() {
    ListeningConnector connector =
        Bootstrap.virtualMachineManager().listeningConnectors().stream()
            .filter(c -> c.transport().name().equals("dt_socket"))
            .findFirst()
            .orElseThrow();
    Map<String, Connector.Argument> arguments = connector.defaultArguments();
    arguments.get("localAddress").setValue("127.0.0.1");
    arguments.get("port").setValue("0");
    arguments.get("timeout").setValue(Long.toString(PATIENCE.toMillis()));
    try {
      return new ChildDebugger(connector, arguments, connector.startListening(arguments));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalConnectorArgumentsException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The child's JVM option: connect to this debugger and wait, suspended, until told to run. */
  public String agentOption() {
    return "-agentlib:jdwp=transport=dt_socket,server=n,suspend=y,address=" + address;
  }

  /**
   * Lets the child run until a method {@code callerMethod} of {@code callerClass} is about to call
   * {@code calleeClass.calleeMethod} for the {@code nth} time, and returns with the calling thread
   * suspended right there. Fails if the child ends first.
   */
  public void runUntilCall(
      String callerClass, String callerMethod, String calleeClass, String calleeMethod, int nth)
      throws Exception {
    vm = connector.accept(arguments);
    connector.stopListening(arguments);
    List<ReferenceType> loaded = vm.classesByName(calleeClass);
    if (loaded.isEmpty()) {
      ClassPrepareRequest prepared = vm.eventRequestManager().createClassPrepareRequest();
      prepared.addClassFilter(calleeClass);
      prepared.enable();
    } else {
      breakAt(loaded.get(0), calleeMethod);
    }
    vm.resume();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    int calls = 0;
    while (System.nanoTime() < deadline) {
      EventSet events = vm.eventQueue().remove(1_000);
      if (events == null) continue;
      for (Event event : events) {
        if (event instanceof ClassPrepareEvent prepared) {
          breakAt(prepared.referenceType(), calleeMethod);
        } else if (event instanceof BreakpointEvent hit) {
          if (calledFrom(hit, callerClass, callerMethod) && ++calls == nth) {
            return; // the thread stays suspended at the call
          }
        } else if (event instanceof VMDeathEvent || event instanceof VMDisconnectEvent) {
          throw new AssertionError(
              "the child ended after "
                  + calls
                  + " of "
                  + nth
                  + " calls of "
                  + calleeClass
                  + "."
                  + calleeMethod
                  + " from "
                  + callerClass
                  + "."
                  + callerMethod);
        }
      }
      events.resume();
    }
    throw new AssertionError("the child did not reach the call within " + PATIENCE);
  }

  private void breakAt(ReferenceType type, String method) {
    for (Method m : type.methodsByName(method)) {
      BreakpointRequest request = vm.eventRequestManager().createBreakpointRequest(m.location());
      request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
      request.enable();
    }
  }

  private static boolean calledFrom(BreakpointEvent hit, String callerClass, String callerMethod)
      throws IncompatibleThreadStateException {
    Location caller = hit.thread().frame(1).location();
    return caller.declaringType().name().equals(callerClass)
        && caller.method().name().equals(callerMethod);
  }

  @Override
  public void close() {
    try {
      if (vm != null) vm.dispose();
    } catch (VMDisconnectedException e) {
      // the child is gone: nothing left to release
    }
    try {
      connector.stopListening(arguments);
    } catch (IOException | IllegalConnectorArgumentsException | IllegalArgumentException e) {
      // not listening any more
    }
  }
}
