package io.rstwatch.jmx;

import java.lang.reflect.Method;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

/**
 * Registers an MXBean with the descriptions from its interface's {@link Description} annotations, so every
 * attribute is documented wherever a JMX client looks.
 *
 * @param <T> the MXBean interface
 */
public class DescribedMBean<T> extends StandardMBean {
    private final Class<T> type;

    public DescribedMBean(T implementation, Class<T> type) throws NotCompliantMBeanException {
        super(implementation, type, true);
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return ofType(type, super.getDescription(info));
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return ofAttribute(type, info, super.getDescription(info));
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return ofMethod(type, info.getName(), super.getDescription(info));
    }

    static String ofType(Class<?> type, String fallback) {
        Description d = type.getAnnotation(Description.class);
        return d != null ? d.value() : fallback;
    }

    static String ofAttribute(Class<?> type, MBeanAttributeInfo info, String fallback) {
        for (String prefix : new String[] {"get", "is"}) {
            String d = ofMethod(type, prefix + info.getName(), null);
            if (d != null) {
                return d;
            }
        }
        return fallback;
    }

    static String ofMethod(Class<?> type, String methodName, String fallback) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(methodName) && m.getAnnotation(Description.class) != null) {
                return m.getAnnotation(Description.class).value();
            }
        }
        return fallback;
    }
}
