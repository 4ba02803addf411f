package io.herald.bench;

import com.sun.tools.attach.VirtualMachine;

/**
 * Loads async-profiler into a running JVM and gives it one command ({@code start,...}, {@code dump,...},
 * {@code stop,...}): what {@code bench/run-service.sh} profiles Herald's scenarios with. {@code jcmd
 * JVMTI.agent_load} cannot pass the command, as it reads each {@code key=value} as an argument of its own.
 *
 * <p>Usage: {@code ProfilerAttach PID LIBRARY COMMAND}
 */
public final class ProfilerAttach {

    private ProfilerAttach() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ProfilerAttach PID LIBRARY COMMAND");
            System.exit(2);
        }
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
